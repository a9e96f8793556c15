"""The JSON API of Discover: ``GET /api/v1/papers/{id}/similar`` (registered before the paper endpoint,
whose ``{id:path}`` would otherwise take ``…/similar`` for part of an old-style id)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from papertalk.services.discover.co_discussed import discussed_by_same_people
from papertalk.services.discover.similar import UnknownPaper, similar_papers
from papertalk.services.pages.paper_page import PaperNotFound, normalize_id
from papertalk.web.api import ERRORS, json_response
from papertalk.web.api_models import Links
from papertalk.web.bearer import bearer_check
from papertalk.web.discover_models import CoDiscussedOut, SimilarListOut, SimilarOut
from papertalk.web.state import state_of

router = APIRouter(prefix="/api/v1", tags=["api"], responses=ERRORS, dependencies=[Depends(bearer_check)])


@router.get("/papers/{arxiv_id:path}/similar", response_model=SimilarListOut)
def similar(request: Request, arxiv_id: str, limit: int = Query(10, ge=1, le=50)) -> Response:
    """Papers like this one (titles, abstracts, authors, categories), and papers the accounts who discussed
    it also discussed within a few days; each with the reason it is suggested."""
    state = state_of(request)
    canonical = normalize_id(arxiv_id)
    try:
        found = similar_papers(state.engine, canonical, limit, state.settings.embedder, wait_for_vectors=False)
    except UnknownPaper as exc:
        raise PaperNotFound(str(exc)) from None
    discussed = discussed_by_same_people(state.engine, state.settings.ranking, canonical, limit)
    out = SimilarListOut(
        arxiv_id=canonical,
        similar=[SimilarOut.of(s) for s in found],
        discussed_by_same_people=[CoDiscussedOut.of(c) for c in discussed],
        links=Links(self=f"/api/v1/papers/{canonical}/similar", html=f"/abs/{canonical}#similar"),
    )
    return json_response(request, out)
