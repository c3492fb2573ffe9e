// The signed-in token lives in sessionStorage: it goes when the tab closes, and never into localStorage or a
// cookie that would outlive the session or ride along on other requests.

const KEY = 'telemask.token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  signIn: (token) => sessionStorage.setItem(KEY, token),
  signOut: () => sessionStorage.removeItem(KEY),
};
