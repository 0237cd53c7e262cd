//! AWS managed policies known offline, by ARN path: those that grant X-Ray actions, the
//! broad ones that grant them with everything else, and the common Lambda execution
//! policies that grant none. Documents hold the actions each policy allows (default
//! version), from the AWS Managed Policy Reference
//! (docs.aws.amazon.com/aws-managed-policy/latest/reference/POLICY.html); for the Lambda
//! policies only their services matter here, since none mentions X-Ray.

/// (path after `arn:PARTITION:iam::aws:policy/`, policy document)
const POLICIES: &[(&str, &str)] = &[
    (
        "AWSXRayDaemonWriteAccess",
        r#"{"Statement":[{"Sid":"AWSXRayDaemonWriteAccess","Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}"#,
    ),
    (
        "AWSXrayWriteOnlyAccess",
        r#"{"Statement":[{"Sid":"AWSXrayWriteOnlyAccess","Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}"#,
    ),
    (
        "AWSXrayFullAccess",
        r#"{"Statement":[{"Sid":"AWSXrayFullAccess","Effect":"Allow","Action":["xray:*"],"Resource":["*"]}]}"#,
    ),
    (
        "AWSXrayReadOnlyAccess",
        r#"{"Statement":[{"Sid":"AWSXrayReadOnlyAccess","Effect":"Allow","Action":["xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries","xray:BatchGetTraces","xray:BatchGetTraceSummaryById","xray:GetDistinctTraceGraphs","xray:GetServiceGraph","xray:GetTraceGraph","xray:GetTraceSummaries","xray:GetGroups","xray:GetGroup","xray:ListTagsForResource","xray:ListResourcePolicies","xray:GetTimeSeriesServiceStatistics","xray:GetInsightSummaries","xray:GetInsight","xray:GetInsightEvents","xray:GetInsightImpactGraph"],"Resource":["*"]}]}"#,
    ),
    (
        "AdministratorAccess",
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    ),
    (
        "PowerUserAccess",
        r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}"#,
    ),
    (
        "service-role/AWSLambdaBasicExecutionRole",
        r#"{"Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    ),
    (
        "service-role/AWSLambdaVPCAccessExecutionRole",
        r#"{"Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}"#,
    ),
    (
        "service-role/AWSLambdaSQSQueueExecutionRole",
        r#"{"Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    ),
    (
        "service-role/AWSLambdaDynamoDBExecutionRole",
        r#"{"Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    ),
    (
        "service-role/AWSLambdaKinesisExecutionRole",
        r#"{"Statement":[{"Effect":"Allow","Action":["kinesis:DescribeStream","kinesis:DescribeStreamSummary","kinesis:GetRecords","kinesis:GetShardIterator","kinesis:ListShards","kinesis:ListStreams","kinesis:SubscribeToShard","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    ),
    (
        "service-role/AWSLambdaRole",
        r#"{"Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}"#,
    ),
];

/// The document of an AWS managed policy, given its ARN (any partition), or `None` when
/// the ARN is not an AWS managed policy this table knows.
pub fn document(arn: &str) -> Option<&'static str> {
    let path = arn_path(arn)?;
    POLICIES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, doc)| *doc)
}

/// The managed policy's path (`service-role/AWSLambdaBasicExecutionRole`) when the ARN
/// names an AWS managed policy: `arn:PARTITION:iam::aws:policy/PATH`.
pub fn arn_path(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    rest.strip_prefix("iam::aws:policy/")
}

/// The ARN of a managed policy known by name (`data "aws_iam_policy"` with `name`).
pub fn arn_by_name(name: &str) -> Option<String> {
    POLICIES
        .iter()
        .map(|(p, _)| *p)
        .find(|p| p.rsplit('/').next() == Some(name))
        .map(|p| format!("arn:aws:iam::aws:policy/{p}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::PolicyDocument;

    #[test]
    fn every_document_parses() {
        for (path, doc) in POLICIES {
            assert!(PolicyDocument::parse(doc).is_ok(), "{path}");
        }
    }

    #[test]
    fn lookup_by_arn_in_any_partition_and_by_name() {
        assert!(document("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess").is_some());
        assert!(document("arn:aws-us-gov:iam::aws:policy/AWSXrayWriteOnlyAccess").is_some());
        assert!(
            document("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").is_some()
        );
        assert!(document("arn:aws:iam::123456789012:policy/AWSXRayDaemonWriteAccess").is_none());
        assert_eq!(
            arn_by_name("AWSLambdaBasicExecutionRole").as_deref(),
            Some("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        );
    }
}
