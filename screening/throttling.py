from config.throttling import SlidingWindowThrottle


class SubmissionRateThrottle(SlidingWindowThrottle):
    """Answer sheets per client: the API's and the questionnaire form's count together."""

    scope = "submissions"
    setting = "THROTTLE_SUBMISSIONS"
