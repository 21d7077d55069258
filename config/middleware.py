from django.utils import translation


class ApiLanguageMiddleware:
    """Let API clients choose the language with ``?lang=en`` as well as ``Accept-Language``.

    Mini-programs and WebViews often cannot set request headers, but they can always add a query
    parameter. Placed right after LocaleMiddleware, so it overrides what the headers negotiated and
    LocaleMiddleware still reports the outcome in ``Content-Language``. An unknown value is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.GET.get("lang")
        if lang and request.path_info.startswith("/api/"):
            try:
                # Accepts the codes in settings.LANGUAGES and close variants ("en-US", "zh-CN").
                language = translation.get_supported_language_variant(lang.lower())
            except LookupError:
                language = None
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
