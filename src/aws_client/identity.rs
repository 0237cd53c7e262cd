//! Whom credentials reach, and what ARNs say about where a resource lives.

/// Whom the credentials reach (`sts:GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The 12-digit account id.
    pub account: String,
    /// `aws`, `aws-cn`, `aws-us-gov`, ...: the second field of the caller's ARN.
    pub partition: String,
    /// The caller's ARN (a user, an assumed role, the root).
    pub arn: String,
}

impl Identity {
    /// From `GetCallerIdentity`'s `Account` and `Arn`.
    pub fn new(account: &str, arn: &str) -> Identity {
        Identity {
            account: account.to_string(),
            partition: arn_partition(arn).unwrap_or("aws").to_string(),
            arn: arn.to_string(),
        }
    }
}

/// The partition of an ARN (`arn:PARTITION:...`).
pub fn arn_partition(arn: &str) -> Option<&str> {
    arn_field(arn, 1)
}

/// The account of an ARN (`arn:partition:service:region:ACCOUNT:...`); `None` when the
/// ARN names none (API Gateway's, AWS managed policies' `aws`).
pub fn arn_account(arn: &str) -> Option<&str> {
    arn_field(arn, 4).filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

fn arn_field(arn: &str, n: usize) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    (fields.next()? == "arn").then_some(())?;
    fields.nth(n - 1).filter(|f| !f.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_give_their_partition_and_account() {
        let role = "arn:aws-cn:iam::123456789012:role/path/app";
        assert_eq!(arn_partition(role), Some("aws-cn"));
        assert_eq!(arn_account(role), Some("123456789012"));
        let stage = "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod";
        assert_eq!(arn_account(stage), None);
        assert_eq!(arn_partition(stage), Some("aws"));
        assert_eq!(
            arn_account("arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"),
            None
        );
        assert_eq!(arn_partition("fn-1"), None);
        let me = Identity::new(
            "210987654321",
            "arn:aws-us-gov:sts::210987654321:assumed-role/Admin/me",
        );
        assert_eq!(me.partition, "aws-us-gov");
    }
}
