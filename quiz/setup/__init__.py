"""Building contests: setup files and forms, drawing from the bank, the review."""
