import type { Messages } from "./en";

export const nl: Messages = {
  app: { name: "Secondo", language: "Taal", logout: "Uitloggen", loading: "Laden…", retry: "Opnieuw" },
  login: {
    title: "Inloggen bij Secondo",
    email: "E-mailadres",
    password: "Wachtwoord",
    submit: "Inloggen",
  },
  roles: {
    team_manager: "Teammanager",
    secretary: "Secretaresse",
    client_approver: "Fiatteur",
    finance: "Financiën",
    director: "Directeur",
  },
  home: {
    title: "Welkom, {{name}}",
    nothing: "Je schermen verschijnen hier zodra ze gebouwd zijn; de API-documentatie laat zien wat nu al kan.",
    docs: "API-documentatie",
  },
};
