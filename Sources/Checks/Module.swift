// Checks module.
