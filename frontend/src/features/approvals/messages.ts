export const en = {
  nav: "Approvals",
};

export const nl: typeof en = {
  nav: "Approvals",
};
