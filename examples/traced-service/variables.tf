variable "tracing_mode" {
  description = "Lambda tracing mode: Active records every sampled invocation"
  type        = string
  default     = "Active"
}
