// The one page: a sign-in button, or who is signed in (from auth(): the session callback in auth.js) and a
// sign-out button. Rendered on the server for each request (it reads the session cookie).
import { auth } from "../auth.js";
import { signInWithGatehouse, signOutOfGatehouse } from "./actions.js";

function Team({ team }) {
  if (!team) return "none";
  return (
    <>
      {`${team.name ?? team.slug} (`}
      <code>{team.slug}</code>)
    </>
  );
}

export default async function Home() {
  const session = await auth();
  const user = session?.user;
  if (!user) {
    return (
      <main>
        <h1>Example Next.js app</h1>
        <p>You are not signed in.</p>
        <form action={signInWithGatehouse}>
          <button type="submit">Sign in with Gatehouse</button>
        </form>
      </main>
    );
  }
  return (
    <main>
      <h1>{user.name ?? user.email}</h1>
      <dl>
        <dt>Email</dt>
        <dd id="email">{user.email}</dd>
        <dt>Subject</dt>
        <dd id="sub">{user.id}</dd>
        <dt>Team</dt>
        <dd id="team">
          <Team team={user.team} />
        </dd>
        <dt>Role</dt>
        <dd id="role">{user.role ?? "none"}</dd>
      </dl>
      <form action={signOutOfGatehouse}>
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
