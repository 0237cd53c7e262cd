terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

data "aws_partition" "current" {}

locals {
  name = "orders"
}

# -----------------------------------------------------------------------------
# Worker function, invoked directly by SQS: it needs Active tracing.
# -----------------------------------------------------------------------------
resource "aws_iam_role" "worker" {
  name = "${local.name}-worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "worker_logs" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy_attachment" "worker_xray" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

resource "aws_lambda_function" "worker" {
  function_name = "${local.name}-worker"
  role          = aws_iam_role.worker.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "${path.module}/dist/worker.zip"

  tracing_config {
    mode = var.tracing_mode
  }
}

# -----------------------------------------------------------------------------
# REST API with tracing on the stage.
# -----------------------------------------------------------------------------
resource "aws_api_gateway_rest_api" "orders" {
  name = "${local.name}-api"
}

resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
}

resource "aws_api_gateway_stage" "live" {
  stage_name           = "live"
  rest_api_id          = aws_api_gateway_rest_api.orders.id
  deployment_id        = aws_api_gateway_deployment.orders.id
  xray_tracing_enabled = true
}

# -----------------------------------------------------------------------------
# Workflow with tracing.
# -----------------------------------------------------------------------------
resource "aws_iam_role" "workflow" {
  name = "${local.name}-workflow"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_sfn_state_machine" "fulfilment" {
  name     = "${local.name}-fulfilment"
  role_arn = aws_iam_role.workflow.arn
  definition = jsonencode({
    StartAt = "Work"
    States = {
      Work = {
        Type     = "Task"
        Resource = aws_lambda_function.worker.arn
        End      = true
      }
    }
  })

  tracing_configuration {
    enabled = true
  }
}

# -----------------------------------------------------------------------------
# Sample 10% of order traffic beyond one request a second.
# -----------------------------------------------------------------------------
resource "aws_xray_sampling_rule" "orders" {
  rule_name      = "orders"
  priority       = 100
  version        = 1
  reservoir_size = 1
  fixed_rate     = 0.1
  url_path       = "/orders*"
  host           = "*"
  http_method    = "*"
  service_type   = "*"
  service_name   = "${local.name}-*"
  resource_arn   = "*"
}
