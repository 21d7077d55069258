"""A questionnaire's answers as its page's form posts them."""


def answers(values, prefix="phq9"):
    return {f"{prefix}_{i}": str(v) for i, v in enumerate(values, 1)}
