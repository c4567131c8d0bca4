// auth/me, auth/login, auth/logout, auth/csrf.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ApiFailure, api, unwrap, type Me, type Role } from "../../api/client";

export const ME_KEY = ["auth", "me"] as const;

/** The logged-in user, or null when nobody is (403 from auth/me). */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      try {
        return await unwrap(api.GET("/api/v1/auth/me/"));
      } catch (error) {
        if (error instanceof ApiFailure && (error.status === 401 || error.status === 403)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { email: string; password: string }) => {
      await unwrap(api.GET("/api/v1/auth/csrf/"));  // login is CSRF-checked too: the cookie first
      return unwrap(api.POST("/api/v1/auth/login/", { body: input }));
    },
    onSuccess: (me) => client.setQueryData(ME_KEY, me),
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/logout/")),
    onSuccess: () => {
      // nobody is logged in (the app shows the login form), and nothing of the last user stays cached
      client.setQueryData(ME_KEY, null);
      client.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
    },
  });
}

export function hasRole(me: Me | null | undefined, ...roles: Role[]): boolean {
  return !!me && me.roles.some((role) => roles.includes(role));
}
