"""Results of a vote: closing and counting (a job), publishing, downloads, explanations and accountability."""
