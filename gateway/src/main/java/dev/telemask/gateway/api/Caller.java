package dev.telemask.gateway.api;

/**
 * Who is calling, as established from a bearer token or a signed-in console session.
 *
 * @param tokenId   the token's id; for a signed-in user, the user's id
 * @param tokenName the token's name; for a signed-in user, the username
 * @param device    the IMEI a driver is bound to, null for other roles
 * @param signedIn  true when a user's session cookie authenticated the call, false for a bearer token
 */
public record Caller(long tokenId, String tokenName, long tenantId, Role role, Long device, boolean signedIn) {
    /** A caller with a bearer token. */
    public Caller(long tokenId, String tokenName, long tenantId, Role role, Long device) {
        this(tokenId, tokenName, tenantId, role, device, false);
    }

    /** How the caller appears in the audit trail and in change histories. */
    public String actor() {
        return (signedIn ? "user:" : "token:") + tokenId + ":" + tokenName;
    }
}
