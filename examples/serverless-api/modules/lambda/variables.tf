variable "function_name" {
  type = string
}

variable "role_arn" {
  type = string
}

variable "runtime" {
  type    = string
  default = "nodejs20.x"
}

variable "timeout" {
  type    = number
  default = 10
}

variable "memory_size" {
  type    = number
  default = 256
}

variable "tracing_config_mode" {
  description = "Can be either PassThrough or Active"
  type        = string
  default     = "PassThrough"
}
