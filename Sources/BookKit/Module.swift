// BookKit module.
