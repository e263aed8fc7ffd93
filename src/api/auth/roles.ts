/** The four roles of an API key; the same names as governance's roles, so a key's role is its actor's role. */
export { ROLES, type Role } from "../../governance/auth/authorize.js";
