resource "aws_lambda_function" "this" {
  function_name = var.function_name
  role          = var.role_arn
  runtime       = var.runtime
  handler       = "index.handler"
  filename      = "${path.module}/dist/handler.zip"
  timeout       = var.timeout
  memory_size   = var.memory_size

  tracing_config {
    mode = var.tracing_config_mode
  }
}
