//! Registry modules known to create nothing xray-setup audits (no Lambda function, API
//! Gateway stage, state machine, AppSync API, IAM role or sampling rule), from their
//! registry documentation. When such a module is not on disk, nothing is lost by not
//! reading it, so no XR000 note is raised for it; any output of it that a rule needs is
//! still unknown and still reported.

const NOTHING_AUDITED: &[&str] = &[
    "cloudposse/label/null",
    "terraform-aws-modules/acm/aws",
    "terraform-aws-modules/alb/aws",
    "terraform-aws-modules/apigateway-v2/aws",
    "terraform-aws-modules/cloudfront/aws",
    "terraform-aws-modules/dynamodb-table/aws",
    "terraform-aws-modules/ecr/aws",
    "terraform-aws-modules/kms/aws",
    "terraform-aws-modules/rds/aws",
    "terraform-aws-modules/route53/aws",
    "terraform-aws-modules/s3-bucket/aws",
    "terraform-aws-modules/security-group/aws",
    "terraform-aws-modules/sns/aws",
    "terraform-aws-modules/sqs/aws",
    "terraform-aws-modules/vpc/aws",
];

/// Whether a module source (with any `//submodule`, `?ref=` or registry host) is one of
/// the modules above.
pub fn creates_nothing_audited(source: &str) -> bool {
    let s = source.trim_start_matches("registry.terraform.io/");
    let s = s.split("//").next().unwrap_or(s);
    let s = s.split('?').next().unwrap_or(s);
    if NOTHING_AUDITED.contains(&s) {
        return true;
    }
    // github.com/terraform-aws-modules/terraform-aws-NAME for the same modules.
    let s = s
        .trim_start_matches("git::")
        .trim_start_matches("https://")
        .trim_end_matches(".git");
    s.strip_prefix("github.com/terraform-aws-modules/terraform-aws-")
        .is_some_and(|name| {
            NOTHING_AUDITED.contains(&format!("terraform-aws-modules/{name}/aws").as_str())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_sources_in_every_spelling() {
        assert!(creates_nothing_audited("terraform-aws-modules/vpc/aws"));
        assert!(creates_nothing_audited(
            "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
        ));
        assert!(creates_nothing_audited(
            "github.com/terraform-aws-modules/terraform-aws-dynamodb-table?ref=03b38ee3"
        ));
        assert!(!creates_nothing_audited("terraform-aws-modules/lambda/aws"));
        assert!(!creates_nothing_audited(
            "terraform-aws-modules/step-functions/aws"
        ));
        assert!(!creates_nothing_audited(
            "github.com/rpstreef/tf-lambda?ref=v1.3.3"
        ));
    }
}
