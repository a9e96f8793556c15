"""The people part of /api/v1: who the token (or session) is, and revoking one's own tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from papertalk.services.people import api_tokens
from papertalk.services.people.form_problems import FormProblem
from papertalk.web.api_models import ErrorOut
from papertalk.web.bearer import ApiAuthError, api_reader, api_writer, bearer_check, bearer_in
from papertalk.web.row_ids import RowId
from papertalk.web.state import state_of

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
}
router = APIRouter(prefix="/api/v1", tags=["people"], responses=ERRORS, dependencies=[Depends(bearer_check)])
PRIVATE = {"Cache-Control": "private, no-store", "Vary": "Cookie, Authorization"}


class MeOut(BaseModel):
    name: str
    is_admin: bool
    token_scope: str | None = Field(description="read or write; null when signed in by the session cookie")


class RevokedOut(BaseModel):
    revoked: int


def _private(model: BaseModel, status: int = 200) -> Response:
    return JSONResponse(model.model_dump(), status_code=status, headers=PRIVATE)


@router.get("/me", response_model=MeOut)
def me(request: Request) -> Response:
    """The person this request is for (401 when anonymous)."""
    user = api_reader(request)
    if user is None:
        raise ApiAuthError(401, "Authorization: send 'Authorization: Bearer <token>' or sign in")
    bearer = bearer_in(request)
    return _private(MeOut(name=user.name, is_admin=user.is_admin, token_scope=bearer.token.scope if bearer else None))


@router.delete("/tokens/{token_id}", response_model=RevokedOut)
async def revoke_token(request: Request, token_id: RowId) -> Response:
    """Revoke one of your own API tokens (a write: needs a token of scope write)."""
    bearer = api_writer(request)
    state = state_of(request)
    try:
        await run_in_threadpool(
            api_tokens.revoke_token, state.engine, bearer.user, bearer.user.id, token_id, state.now()
        )
    except FormProblem as problem:
        raise ApiAuthError(404, problem.message) from None
    return _private(RevokedOut(revoked=token_id))
