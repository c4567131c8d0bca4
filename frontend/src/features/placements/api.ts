// The team manager's calls: pools and their capacity board, the availability search, clients,
// secretaries, rate cards, users (to give a secretary profile to) and placing a secretary.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ApiFailure, api, unwrap, type Schemas } from "../../api/client";

export type Client = Schemas["Client"];
export type ClientInput = Schemas["ClientInputRequest"];
export type Secretary = Schemas["SecretaryWithCost"];
export type SecretaryCreateInput = Schemas["SecretaryCreateInputRequest"];
export type SecretaryUpdateInput = Schemas["PatchedSecretaryUpdateInputRequest"];
export type Candidate = Schemas["Candidate"];
export type PoolBoard = Schemas["PoolBoard"];
export type BoardPlacement = Schemas["BoardPlacement"];
export type WeekCapacity = Schemas["WeekCapacity"];
export type RateCard = Schemas["RateCard"];
export type PlacementInput = Schemas["PlacementCreateInputRequest"];
export type Placement = Schemas["Placement"];
export type UserCreateInput = Schemas["UserCreateInputRequest"];

/** The API's page size (PAGE_SIZE in the Django settings); lists ask for no other. */
export const PAGE_SIZE = 25;
/** The most a list answers at once (MAX_PAGE_SIZE): what the pickers load. */
export const MAX_PAGE_SIZE = 100;

export function pageCount(count: number | undefined): number {
  return Math.max(1, Math.ceil((count ?? 0) / PAGE_SIZE));
}

const KEYS = {
  pools: ["placements", "pools"] as const,
  board: ["placements", "board"] as const,
  availability: ["placements", "availability"] as const,
  clients: ["placements", "clients"] as const,
  secretaries: ["placements", "secretaries"] as const,
  rateCards: ["placements", "rate-cards"] as const,
  users: ["placements", "users"] as const,
};

// ---------------------------------------------------------------- pools and the board

export function usePools() {
  return useQuery({
    queryKey: KEYS.pools,
    queryFn: () => unwrap(api.GET("/api/v1/pools/", { params: { query: { page_size: MAX_PAGE_SIZE, ordering: "name" } } })),
  });
}

/** Free hours of every active secretary of a pool per ISO week, with the placements as bars. */
export function usePoolBoard(poolId: number | null, start: string, weeks = 12) {
  return useQuery({
    queryKey: [...KEYS.board, poolId, start, weeks],
    queryFn: () =>
      unwrap(api.GET("/api/v1/pools/{id}/capacity/", { params: { path: { id: poolId ?? 0 }, query: { start, weeks } } })),
    enabled: poolId !== null,
    placeholderData: keepPreviousData,
  });
}

// ---------------------------------------------------------------- availability

export interface AvailabilityQuery {
  start: string;
  end: string;
  hours_per_week: string;
  skills?: string;
  languages?: string;
  pool_id?: number;
}

export function useAvailability(query: AvailabilityQuery | null, page: number) {
  return useQuery({
    queryKey: [...KEYS.availability, query, page],
    queryFn: () => unwrap(api.GET("/api/v1/availability/", { params: { query: { ...query!, page, page_size: PAGE_SIZE } } })),
    enabled: query !== null,
    placeholderData: keepPreviousData,
  });
}

// ---------------------------------------------------------------- clients

export function useClients(query: { q?: string; page?: number; active?: boolean; page_size?: number }) {
  return useQuery({
    queryKey: [...KEYS.clients, query],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/clients/", {
          params: { query: { ordering: "legal_name", page_size: PAGE_SIZE, ...query } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useSaveClient() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number | null; body: ClientInput }) =>
      id === null
        ? unwrap(api.POST("/api/v1/clients/", { body }))
        : unwrap(api.PATCH("/api/v1/clients/{id}/", { params: { path: { id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: KEYS.clients }),
  });
}

// ---------------------------------------------------------------- secretaries and users

export function useSecretaries(query: { q?: string; page?: number; pool?: number; active?: boolean; page_size?: number }) {
  return useQuery({
    queryKey: [...KEYS.secretaries, query],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/secretaries/", {
          params: { query: { ordering: "user__full_name", page_size: PAGE_SIZE, ...query } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

function invalidateSecretaries(client: ReturnType<typeof useQueryClient>) {
  void client.invalidateQueries({ queryKey: KEYS.secretaries });
  void client.invalidateQueries({ queryKey: KEYS.board });
  void client.invalidateQueries({ queryKey: KEYS.availability });
  void client.invalidateQueries({ queryKey: KEYS.users });
}

export function useCreateSecretary() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SecretaryCreateInput) => unwrap(api.POST("/api/v1/secretaries/", { body })),
    onSuccess: () => invalidateSecretaries(client),
  });
}

export function useUpdateSecretary() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: SecretaryUpdateInput }) =>
      unwrap(api.PATCH("/api/v1/secretaries/{id}/", { params: { path: { id } }, body })),
    onSuccess: () => invalidateSecretaries(client),
  });
}

/** Users holding a role (the secretaries to give a profile, the approvers of a client), active ones only. */
export function useUsers(role: "is_secretary" | "is_client_approver", enabled = true) {
  return useQuery({
    queryKey: [...KEYS.users, role],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/users/", {
          params: { query: { [role]: true, is_active: true, page_size: MAX_PAGE_SIZE, ordering: "full_name" } },
        }),
      ),
    enabled,
  });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreateInput) => unwrap(api.POST("/api/v1/users/", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: KEYS.users }),
  });
}

// ---------------------------------------------------------------- rate cards and placing

export function useRateCards(poolId: number | null) {
  return useQuery({
    queryKey: [...KEYS.rateCards, poolId],
    queryFn: () =>
      unwrap(api.GET("/api/v1/rate-cards/", { params: { query: { pool: poolId ?? 0, page_size: MAX_PAGE_SIZE } } })),
    enabled: poolId !== null,
  });
}

/** One week the placement would overbook the secretary by `short` hours. */
export interface Shortfall {
  week: string;
  short: string;
}

/** A refused placement; `shortfall` is set when the refusal is overbooking (an override with a reason may place it anyway). */
export class PlacementFailure extends ApiFailure {
  readonly shortfall: Shortfall[];

  constructor(status: number, body: unknown) {
    super(status, body);
    const extra = (body as { extra?: { shortfall?: unknown } } | null)?.extra;
    this.shortfall = Array.isArray(extra?.shortfall) ? (extra.shortfall as Shortfall[]) : [];
  }

  /** The API asks for an override reason: not enough free capacity. */
  get overbooked(): boolean {
    return this.status === 400 && "override_reason" in this.fields;
  }
}

export function useCreatePlacement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: PlacementInput): Promise<Placement> => {
      const { data, error, response } = await api.POST("/api/v1/placements/", { body });
      if (!response.ok) throw new PlacementFailure(response.status, error);
      return data as Placement;
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: KEYS.board });
      void client.invalidateQueries({ queryKey: KEYS.availability });
    },
  });
}
