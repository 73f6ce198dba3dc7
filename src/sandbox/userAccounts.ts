import type { FastifyInstance } from 'fastify';
import { ADF_COLLECTION_TYPE, ADF_ITEM_TYPE, adfCollection, adfItem, type AdfSpec } from './adfQuery';
import type { SandboxContext } from './context';
import { SandboxHttpError } from './errors';
import type { SandboxRole, SandboxUser } from './model';

export const ADF_ROOT = '/hcmRestApi/resources/11.13.18.05';
const PATH = `${ADF_ROOT}/userAccounts`;

/** HCM userAccounts [DOC]: read-only here (GET collection, item, child userAccountRoles). */
export function registerUserAccountRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { tenant } = ctx;
  const spec: AdfSpec<SandboxUser> = {
    name: 'userAccounts',
    path: PATH,
    attrs: ['UserId', 'Username', 'SuspendedFlag', 'PersonId', 'PersonNumber', 'CredentialsEmailSentFlag', 'GUID'],
    key: (u) => u.id,
    toItem: (u, expand) => ({
      UserId: u.userId,
      Username: u.userName,
      SuspendedFlag: !u.active,
      PersonId: u.personId,
      PersonNumber: u.personNumber,
      CredentialsEmailSentFlag: false,
      GUID: u.id,
      ...(expand.has('userAccountRoles') || expand.has('all') ? { userAccountRoles: expandedRoles(u) } : {}),
    }),
    children: ['userAccountRoles'],
    lookup: (attr, value) => {
      if (attr === 'username') return [tenant.userByName(value)].filter((u): u is SandboxUser => !!u);
      if (attr === 'guid') return [tenant.getUser(value.toUpperCase())].filter((u): u is SandboxUser => !!u);
      return null;
    },
  };
  /** The child collection inline, as ADF's `expand` returns it. */
  function expandedRoles(u: SandboxUser): Record<string, unknown> {
    const items = tenant.rolesOf(u.id).map((r) => ({ RoleCode: r.name, RoleId: r.roleId, UserRoleId: r.members.get(u.id)! }));
    return { items, count: items.length, hasMore: false, limit: 25, offset: 0 };
  }
  const userOr404 = (guid: string): SandboxUser => {
    const u = tenant.getUser(guid);
    if (!u) throw new SandboxHttpError(404, `No user account with GUID ${guid}.`, { code: 'SANDBOX-404' });
    return u;
  };
  type GuidParams = { Params: { guid: string } };

  app.get(PATH, async (request, reply) => {
    ctx.principal(request, 'user-accounts', 'read user accounts');
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, spec, tenant.allUsers()));
  });

  app.get<GuidParams>(`${PATH}/:guid`, async (request, reply) => {
    ctx.principal(request, 'user-accounts', 'read user accounts');
    return reply.type(ADF_ITEM_TYPE).send(adfItem(request, spec, userOr404(request.params.guid)));
  });

  app.get<GuidParams>(`${PATH}/:guid/child/userAccountRoles`, async (request, reply) => {
    ctx.principal(request, 'user-accounts', 'read user account roles');
    const user = userOr404(request.params.guid);
    const roleSpec: AdfSpec<SandboxRole> = {
      name: 'userAccountRoles',
      path: `${PATH}/${user.id}/child/userAccountRoles`,
      attrs: ['RoleCode', 'RoleId', 'UserRoleId'],
      key: (r) => r.members.get(user.id)!,
      toItem: (r) => ({ RoleCode: r.name, RoleId: r.roleId, UserRoleId: r.members.get(user.id)! }),
    };
    return reply.type(ADF_COLLECTION_TYPE).send(adfCollection(request, roleSpec, tenant.rolesOf(user.id)));
  });
}
