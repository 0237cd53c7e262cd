resource "aws_iam_role" "identity" {
  name               = "${var.prefix}-identity"
  assume_role_policy = file("${path.module}/policies/lambda-assume-role.json")
}

resource "aws_iam_role_policy" "identity" {
  name = "${var.prefix}-identity"
  role = aws_iam_role.identity.id
  policy = templatefile("${path.module}/policies/lambda.json", {
    queue_arn = var.sqs_queue_arn
  })
}

module "lambda" {
  source = "../../modules/lambda"

  function_name = "${var.prefix}-identity"
  role_arn      = aws_iam_role.identity.arn
}
