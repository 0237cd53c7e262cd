locals {
  prefix = "${var.namespace}-${var.project}"
}

# -----------------------------------------------------------------------------
# Services: each creates its role and calls the shared lambda module.
# -----------------------------------------------------------------------------
module "identity" {
  source = "../../services/identity"

  prefix        = local.prefix
  sqs_queue_arn = aws_sqs_queue.signups.arn
}

module "user" {
  source = "../../services/user"

  prefix = local.prefix
}

resource "aws_sqs_queue" "signups" {
  name = "${local.prefix}-signups"
}

# -----------------------------------------------------------------------------
# API Gateway (REST) in front of both services.
# -----------------------------------------------------------------------------
module "api" {
  source = "../../modules/apigateway"

  name                 = "${local.prefix}-api"
  stage_name           = var.namespace
  xray_tracing_enabled = var.xray_tracing_enabled
}
