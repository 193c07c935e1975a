// Exercises for the learner: see book/.
