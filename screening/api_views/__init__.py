"""The self-assessment's REST API (under /api/v1/, screening/api_urls.py), one module per
concept: questionnaires, submissions (answer sheets and their results), call-backs."""
