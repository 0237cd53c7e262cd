variable "mode" {
  type    = string
  default = "PassThrough"
  validation {
    condition     = contains(["Active", "PassThrough"], var.mode)
    error_message = "mode must be Active or PassThrough."
  }
}

variable "count_of" {
  type    = number
  default = 1
}

variable "settings" {
  type = object({
    tracing = optional(bool, false)
    mode    = optional(string)
    role    = optional(string, "arn:aws:iam::123456789012:role/app")
    tags    = optional(map(string), {})
  })
  default = {}
}

variable "functions" {
  type = map(object({
    mode    = optional(string, "Active")
    memory  = optional(number, 128)
    enabled = optional(bool, true)
  }))
  default = {}
}

variable "stages" {
  type    = list(string)
  default = ["dev"]
}

variable "anything" {
  default = null
}

locals {
  modes = { for k, f in var.functions : k => f.mode if f.enabled }
}

resource "aws_iam_role" "this" {
  name               = "app"
  assume_role_policy = jsonencode({ Statement = [] })
}

resource "aws_iam_role_policy" "this" {
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["xray:Put*"], Resource = coalesce(var.anything, "*") }]
  })
}

resource "aws_lambda_function" "one" {
  count         = var.count_of
  function_name = "one-${count.index}"
  role          = coalesce(var.settings.role, aws_iam_role.this.arn)
  tracing_config {
    mode = coalesce(var.settings.mode, var.mode)
  }
}

resource "aws_lambda_function" "each" {
  for_each      = local.modes
  function_name = each.key
  role          = aws_iam_role.this.arn
  memory_size   = var.functions[each.key].memory
  tracing_config {
    mode = each.value
  }
}

resource "aws_api_gateway_stage" "this" {
  for_each             = toset(var.stages)
  stage_name           = each.key
  rest_api_id          = "abc"
  deployment_id        = "def"
  xray_tracing_enabled = var.settings.tracing
}
