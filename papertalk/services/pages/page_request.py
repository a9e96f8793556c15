"""The error of a page request that cannot be answered, shared by every page, its JSON twin and its feed."""


class PageRequestError(ValueError):
    """A parameter of a page request that cannot be answered (the message names the parameter)."""


class NetworkNotFound(PageRequestError):
    """A network that does not exist or that the reader may not see: answered 404, the same for both."""
