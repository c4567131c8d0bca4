export const en = {
  nav: "Invoices",
};

export const nl: typeof en = {
  nav: "Invoices",
};
