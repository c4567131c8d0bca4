export const en = {
  nav: "Timesheets",
};

export const nl: typeof en = {
  nav: "Timesheets",
};
