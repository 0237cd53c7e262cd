variable "prefix" {
  type = string
}

variable "sqs_queue_arn" {
  type = string
}
