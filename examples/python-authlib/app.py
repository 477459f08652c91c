"""A relying party for Gatehouse in Python: Flask and Authlib, authorization code + PKCE, the ID token's
team and role (``roles`` scope) on a profile page, RP-initiated logout. Run it against a Gatehouse (README.md):

    ISSUER=http://localhost:3000 CLIENT_ID=... CLIENT_SECRET=... SECRET_KEY=... python3 examples/python-authlib/app.py

Flask keeps the session in a signed cookie (SECRET_KEY signs it); Authlib keeps the state, nonce and PKCE verifier
there between /login and /callback. The built-in server is for examples only.
"""
import html
import os
import sys
from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, redirect, session
from werkzeug.serving import make_server


def create_app(issuer, client_id, client_secret, base_url, secret_key):
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secret_key, SESSION_COOKIE_NAME="rp_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=base_url.startswith("https:"))
    oauth = OAuth(app)
    gatehouse = oauth.register(
        name="gatehouse", client_id=client_id, client_secret=client_secret,
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email roles", "code_challenge_method": "S256"},
    )

    def page(body):
        return f'<!doctype html><html lang="en"><meta charset="utf-8"><title>Example Flask app</title><body>{body}</body></html>'

    @app.get("/")
    def home():
        user = session.get("user")
        if not user:
            return page('<p><a href="/login">Sign in with Gatehouse</a></p>')
        return page(f'<p>Signed in as <b id="email">{html.escape(user.get("email") or user["sub"])}</b>. '
                    '<a href="/profile">Profile</a></p><form method="post" action="/logout"><button>Sign out</button></form>')

    @app.get("/login")
    def login():
        return gatehouse.authorize_redirect(f"{base_url}/callback")

    @app.get("/callback")
    def callback():
        try:
            # exchanges the code (with the PKCE verifier), verifies the ID token (signature, iss, aud, nonce)
            token = gatehouse.authorize_access_token()
        except OAuthError as err:
            return f"Sign-in failed: {err.error}", 400, {"content-type": "text/plain; charset=utf-8"}
        # the ID token (token["userinfo"]) says who and, with `roles`, the team and role; the profile (email,
        # name) comes from the userinfo endpoint
        profile = gatehouse.userinfo(token=token)
        if profile.get("sub") != token["userinfo"]["sub"]:
            return "Sign-in failed: userinfo is for someone else", 400, {"content-type": "text/plain; charset=utf-8"}
        session.clear()
        session["user"] = {**profile, **token["userinfo"]}
        session["id_token"] = token["id_token"]
        return redirect("/profile")

    @app.get("/profile")
    def profile():
        user = session.get("user")
        if not user:
            return redirect("/login")
        team = user.get("team")
        team_html = f'{html.escape(team.get("name") or team["slug"])} (<code>{html.escape(team["slug"])}</code>)' if team else "none"
        return page(f'<h1>{html.escape(user.get("name") or user.get("email") or user["sub"])}</h1><dl>'
                    f'<dt>Email</dt><dd id="email">{html.escape(user.get("email") or "")}</dd>'
                    f'<dt>Subject</dt><dd id="sub">{html.escape(user["sub"])}</dd>'
                    f'<dt>Team</dt><dd id="team">{team_html}</dd>'
                    f'<dt>Role</dt><dd id="role">{html.escape(user.get("role") or "none")}</dd></dl>'
                    '<form method="post" action="/logout"><button>Sign out</button></form>')

    @app.post("/logout")
    def logout():
        id_token = session.get("id_token")
        session.clear()
        if not id_token:
            return redirect("/")
        end_session = gatehouse.load_server_metadata()["end_session_endpoint"]
        return redirect(f"{end_session}?{urlencode({'id_token_hint': id_token, 'post_logout_redirect_uri': f'{base_url}/'})}")

    return app


if __name__ == "__main__":
    env = os.environ
    missing = [name for name in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "SECRET_KEY") if not env.get(name)]
    if missing:
        sys.exit(f"set {', '.join(missing)}")
    port = int(env.get("PORT", "4002"))
    host = env.get("HOST", "127.0.0.1")
    base_url = env.get("BASE_URL", f"http://localhost:{port}")
    server = make_server(host, port, create_app(env["ISSUER"], env["CLIENT_ID"], env["CLIENT_SECRET"], base_url, env["SECRET_KEY"]))
    print(f"example Flask app at {base_url}", flush=True)
    server.serve_forever()
