// A pasted token lives in sessionStorage: it goes when the tab closes, and never into localStorage or a cookie
// that would outlive the session or ride along on other requests. A password sign-in keeps nothing here: its
// session is an HttpOnly cookie the page's script cannot read, and its CSRF token is asked for again on reload.

const KEY = 'telemask.token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  signIn: (token) => sessionStorage.setItem(KEY, token),
  signOut: () => sessionStorage.removeItem(KEY),
};
