"""Small factories shared by the test suites of every app."""
