// Reference solutions.
