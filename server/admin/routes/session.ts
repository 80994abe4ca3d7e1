import type { FastifyPluginAsync } from 'fastify';
import { RedeemCodeRequest, RedeemCodeResponse, SessionInfo } from '../../../shared/api/session.js';
import { runDomainTransaction } from '../../domain/transaction.js';
import { INVALID_CODE, redeemCode, type DeviceSession } from '../../domain/sessions.js';
import { recordAudit } from '../../domain/audit.js';
import { ApiFailure } from '../errors.js';
import { adminRoute, type AdminDeps } from '../route.js';

export function sessionInfo(session: DeviceSession): SessionInfo {
  const { member } = session;
  return {
    org: session.org,
    member: { id: member.id, email: member.email, name: member.display_name, role: member.role },
    deviceId: session.deviceId,
  };
}

export const sessionRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  adminRoute(
    app,
    {
      method: 'POST',
      url: '/session/redeem',
      tag: 'session',
      summary: "Redeem an owner's enrollment code or an invite code for a device token",
      access: 'public',
      body: RedeemCodeRequest,
      response: RedeemCodeResponse,
      successStatus: 201,
    },
    async ({ body, request }) => {
      const wait = deps.signInLimiter.retryAfterSeconds(request.ip);
      if (wait > 0) {
        throw new ApiFailure(429, 'rate_limited', 'Too many failed code redemptions from this address; wait and retry.', undefined, {
          'Retry-After': String(wait),
        });
      }
      const redeemed = await runDomainTransaction(deps, { type: 'system', id: null, label: 'sign-in' }, (ctx) => redeemCode(ctx, body));
      if (!redeemed) {
        deps.signInLimiter.recordFailure(request.ip);
        throw new ApiFailure(401, 'unauthorized', INVALID_CODE, 'code');
      }
      return { ...sessionInfo(redeemed), deviceToken: redeemed.deviceToken, issuedAt: new Date(deps.clock()).toISOString() };
    },
  );

  adminRoute(
    app,
    { method: 'GET', url: '/session', tag: 'session', summary: 'Who this device is signed in as', access: 'member', response: SessionInfo },
    async ({ session }) => sessionInfo(session),
  );

  adminRoute(
    app,
    { method: 'DELETE', url: '/session', tag: 'session', summary: "Sign this device out (revokes its token)", access: 'member' },
    async ({ session, actor }) => {
      await runDomainTransaction(deps, actor, async (ctx) => {
        await ctx.db
          .updateTable('device_tokens')
          .set({ revoked_at: ctx.now, revoked_reason: 'signed out' })
          .where('id', '=', session.deviceId)
          .execute();
        await recordAudit(ctx, {
          orgId: session.org.id,
          kind: 'device.signed_out',
          subject: { type: 'member', id: session.member.id, label: session.member.email },
          details: { deviceId: session.deviceId },
        });
        // Open event streams of this device re-check their token on this and end.
        ctx.events.add(session.org.id, { type: 'member.changed', memberId: session.member.id });
      });
    },
  );
};
