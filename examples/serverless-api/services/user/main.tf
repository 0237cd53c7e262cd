resource "aws_iam_role" "user" {
  name               = "${var.prefix}-user"
  assume_role_policy = file("${path.module}/policies/lambda-assume-role.json")
}

resource "aws_iam_role_policy" "user" {
  name   = "${var.prefix}-user"
  role   = aws_iam_role.user.id
  policy = file("${path.module}/policies/lambda.json")
}

module "lambda" {
  source = "../../modules/lambda"

  function_name       = "${var.prefix}-user"
  role_arn            = aws_iam_role.user.arn
  tracing_config_mode = "Active"
}
