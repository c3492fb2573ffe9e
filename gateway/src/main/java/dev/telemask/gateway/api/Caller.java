package dev.telemask.gateway.api;

/**
 * Who is calling, as established from the bearer token.
 *
 * @param device the IMEI a driver token is bound to, null for other roles
 */
public record Caller(long tokenId, String tokenName, long tenantId, Role role, Long device) {
    /** How the caller appears in the audit trail and in change histories. */
    public String actor() {
        return "token:" + tokenId + ":" + tokenName;
    }
}
