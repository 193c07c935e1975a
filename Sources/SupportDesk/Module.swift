// SupportDesk module.
