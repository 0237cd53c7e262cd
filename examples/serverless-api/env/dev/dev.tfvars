namespace            = "dev"
xray_tracing_enabled = true
