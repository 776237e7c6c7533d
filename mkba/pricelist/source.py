"""Where a figure comes from."""

from __future__ import annotations

import pydantic


class Source(pydantic.BaseModel):
    """The source of a figure: a title, a web address and where in it.

    Attributes
    ----------
    title : str
        Title of the document, with its publisher and year.
    url : str, optional
        Where to find it.
    where : str, optional
        The table, page or paragraph that holds the figure.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)

    title: str = pydantic.Field(min_length=1)
    url: str | None = None
    where: str | None = None
