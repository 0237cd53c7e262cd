variable "s" { default = "hello" }
variable "empty" { default = "" }
variable "n" { default = 3 }
variable "f" { default = 2.5 }
variable "neg" { default = -4 }
variable "t" { default = true }
variable "no" { default = false }
variable "nul" {
  type    = string
  default = null
}
variable "l" { default = ["a", "b", "c"] }
variable "nums" { default = [3, 1, 2] }
variable "ls" {
  type    = list(string)
  default = ["x", "y", "x"]
}
variable "ln" {
  type    = list(number)
  default = [1, 2, 3]
}
variable "ss" {
  type    = set(string)
  default = ["b", "a"]
}
variable "m" {
  type    = map(string)
  default = { a = "1", b = "2" }
}
variable "o" { default = { name = "fn", mode = "Active", size = 128, tags = { team = "x" } } }
variable "objs" {
  default = [{ name = "a", n = 1 }, { name = "b", n = 2 }]
}
variable "nested" { default = [["a", "b"], ["c"]] }
variable "us" { type = string }
variable "un" { type = number }
variable "ub" { type = bool }
variable "ul" { type = list(string) }
variable "um" { type = map(string) }
variable "uo" { type = object({ name = string, n = number }) }
variable "ud" {}
