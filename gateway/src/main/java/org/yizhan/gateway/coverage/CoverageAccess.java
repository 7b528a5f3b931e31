package org.yizhan.gateway.coverage;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.ManagerAuth;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * Who may see and change what of coverage. A civil-affairs manager sees their own office's matching
 * and subsidy report, and reads the contribution standards of the regions covering their office. An
 * insurance-agency manager (医保经办机构; their {@code office_code} holds their region) sees the matching
 * of their region or of any office in it, and maintains the standards of their region.
 *
 * <p>Whether a manager is agency staff is decided in {@link #isAgency} alone, from the role the
 * session's principal carries ({@code manager.role}, read at login).
 */
public final class CoverageAccess {
  private final Pool pool;

  public CoverageAccess(Pool pool) {
    this.pool = pool;
  }

  /** THE role check: whether {@code m} is insurance-agency staff (the session's role). */
  public Future<Boolean> isAgency(ManagerPrincipal m) {
    return Future.succeededFuture(m.role() == ManagerAuth.Role.AGENCY);
  }

  /**
   * The scope {@code m} asks for ({@code office} or {@code region}, either may be null), refused
   * 403 {@code OUT_OF_SCOPE} naming the field when it is not theirs to see.
   */
  public Future<Scope> scope(ManagerPrincipal m, String office, String region) {
    return isAgency(m)
        .map(
            agency -> {
              if (agency) {
                if (office != null) {
                  if (!Regions.covers(m.officeCode(), office)) {
                    throw outOfScope("office", "an office outside your region " + m.officeCode());
                  }
                  return Scope.office(office);
                }
                if (region != null && !region.equals(m.officeCode())) {
                  throw outOfScope("region", "another region than yours, " + m.officeCode());
                }
                return Scope.region(m.officeCode());
              }
              if (region != null) {
                throw outOfScope(
                    "region", "the matching of a region, which is for the insurance agency");
              }
              if (office != null && !office.equals(m.officeCode())) {
                throw outOfScope("office", "another office than yours, " + m.officeCode());
              }
              return Scope.office(m.officeCode());
            });
  }

  /** Refuses unless {@code m} is agency staff of a region covering {@code admdvs}. */
  public Future<Void> checkMaintains(ManagerPrincipal m, String admdvs) {
    return isAgency(m)
        .map(
            agency -> {
              if (!agency) {
                throw new Refusal(
                    Refusal.Kind.FORBIDDEN,
                    "AGENCY_ONLY",
                    "admdvs",
                    "admdvs: contribution standards are maintained by the insurance agency");
              }
              if (!Regions.covers(m.officeCode(), admdvs)) {
                throw outOfScope("admdvs", "a region outside yours, " + m.officeCode());
              }
              return null;
            });
  }

  /**
   * Whether {@code m} may read the standard of region {@code admdvs}: the agency its region's and
   * those below, a civil-affairs office those of the regions covering it.
   */
  public static boolean reads(ManagerPrincipal m, boolean agency, String admdvs) {
    return agency ? Regions.covers(m.officeCode(), admdvs) : Regions.covers(admdvs, m.officeCode());
  }

  /**
   * Whether {@code m} may see the people of {@code scope}: the agency its region and the offices in
   * it, a civil-affairs manager their own office.
   */
  public static boolean sees(ManagerPrincipal m, boolean agency, Scope scope) {
    if (agency) {
      return Regions.covers(m.officeCode(), scope.code());
    }
    return scope.kind().equals("office") && scope.code().equals(m.officeCode());
  }

  static Refusal outOfScope(String field, String what) {
    return new Refusal(
        Refusal.Kind.FORBIDDEN,
        "OUT_OF_SCOPE",
        field,
        field + ": " + what + " is not yours to see");
  }
}
