variable "name" {
  type = string
}

variable "stage_name" {
  type = string
}

variable "xray_tracing_enabled" {
  description = "Enables X-Ray tracing on the stage"
  type        = bool
  default     = false
}
