export const en = {
  app: { name: "Secondo", language: "Language", logout: "Log out", loading: "Loading…", retry: "Try again" },
  login: {
    title: "Log in to Secondo",
    email: "E-mail address",
    password: "Password",
    submit: "Log in",
  },
  roles: {
    team_manager: "Team manager",
    secretary: "Secretary",
    client_approver: "Approver",
    finance: "Finance",
    director: "Director",
  },
  home: {
    title: "Welcome, {{name}}",
    nothing: "Your screens arrive here as they are built; the API documentation lists what you can do now.",
    docs: "API documentation",
  },
};

export type Messages = typeof en;
