export const en = {
  nav: "Placements",
};

export const nl: typeof en = {
  nav: "Placements",
};
