variable "namespace" {
  description = "Environment name, used in resource names and as the API stage name"
  type        = string
  default     = "dev"
}

variable "project" {
  type    = string
  default = "example"
}

variable "xray_tracing_enabled" {
  description = "Enables X-Ray tracing on the API stage"
  type        = bool
  default     = false
}
