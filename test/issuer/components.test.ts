/**
 * Machine components as a resource over real sockets: add (shape, fingerprint rules at each
 * component uniqueness strategy, bad documents), list with filters, retrieve, rename and
 * metadata, remove; who may do what; the relationship routes the component and machine objects
 * advertise; and validation with `meta.scope.components` under each matching strategy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLicense, createPolicy, createProduct, doc, firstError, startTestIssuer, type ApiResponse, type RequestOptions, type TestIssuer } from './support.js';

const ACCESS_DENIED = {
  title: 'Access denied',
  detail: 'You do not have permission to complete the request (ensure the token bearer is allowed to access this resource)',
};

interface LicenseObject {
  id: string;
  attributes: { key: string };
}

let t: TestIssuer;
let productA: string;
let productB: string;
let tokenB: string;

beforeAll(async () => {
  t = await startTestIssuer();
  productA = await createProduct(t, 'A');
  productB = await createProduct(t, 'B');
  tokenB = (await t.admin('POST', `/products/${productB}/tokens`)).json.data.attributes.token;
});
afterAll(() => t.close());

async function licenseWith(attributes: Record<string, unknown> = {}, product = productA): Promise<LicenseObject> {
  return createLicense(t, await createPolicy(t, product, { floating: true, maxMachines: 10, ...attributes }));
}

const asLicense = (license: LicenseObject): RequestOptions => ({ auth: `License ${license.attributes.key}` });
const asAdmin = (): RequestOptions => ({ token: t.issuer.adminToken });

async function activate(license: LicenseObject, fingerprint: string, components: { fingerprint: string; name: string }[] = []): Promise<string> {
  const relationships: Record<string, unknown> = { license: { data: { type: 'licenses', id: license.id } } };
  if (components.length > 0) relationships.components = { data: components.map((attributes) => ({ type: 'components', attributes })) };
  const response = await t.request('POST', '/machines', { ...asLicense(license), body: { data: { type: 'machines', attributes: { fingerprint }, relationships } } });
  expect(response.status, response.text).toBe(201);
  return response.json.data.id;
}

function componentDoc(machineId: string, attributes: Record<string, unknown>): unknown {
  return { data: { type: 'components', attributes, relationships: { machine: { data: { type: 'machines', id: machineId } } } } };
}

function add(machineId: string, fingerprint: string, as: RequestOptions = asAdmin(), name = 'GPU'): Promise<ApiResponse> {
  return t.request('POST', '/components', { ...as, body: componentDoc(machineId, { fingerprint, name }) });
}

async function added(machineId: string, fingerprint: string, as: RequestOptions = asAdmin()): Promise<string> {
  const response = await add(machineId, fingerprint, as);
  expect(response.status, response.text).toBe(201);
  return response.json.data.id;
}

function expectUnprocessable(response: ApiResponse, error: { detail: string; code: string; pointer: string }): void {
  expect(response.status, response.text).toBe(422);
  const [, section, attr] = error.pointer.split('/').slice(1);
  const links = { links: { about: `https://keygen.sh/docs/api/components/#components-object-${section === 'attributes' ? 'attrs' : section}-${attr}` } };
  expect(firstError(response)).toEqual({ title: 'Unprocessable resource', detail: error.detail, code: error.code, source: { pointer: error.pointer }, ...links });
}

function expectBadRequest(response: ApiResponse, detail: string, pointer: string): void {
  expect(response.status, response.text).toBe(400);
  expect(firstError(response)).toEqual({ title: 'Bad request', detail, source: { pointer } });
}

const taken = (suffix = ''): { detail: string; code: string; pointer: string } => ({
  detail: `has already been taken${suffix}`,
  code: 'FINGERPRINT_TAKEN',
  pointer: '/data/attributes/fingerprint',
});

describe('POST /components', () => {
  it('adds a component with the license key: 201, Location, Keygen\'s component object', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'shape');
    const response = await t.request('POST', '/components', { ...asLicense(license), body: componentDoc(machineId, { fingerprint: 'gpu-0', name: 'GPU', metadata: { bus_id: 1 } }) });
    expect(response.status, response.text).toBe(201);
    const data = response.json.data;
    const self = `${t.base}/components/${data.id}`;
    expect(response.headers.get('location')).toBe(self);
    expect(Object.keys(data)).toEqual(['id', 'type', 'attributes', 'relationships', 'links']);
    expect(Object.keys(data.attributes)).toEqual(['fingerprint', 'name', 'created', 'updated', 'metadata']);
    expect(data.attributes).toMatchObject({ fingerprint: 'gpu-0', name: 'GPU', metadata: { busId: 1 } });
    expect(data.relationships).toEqual({
      account: { links: { related: t.base }, data: { type: 'accounts', id: t.issuer.account } },
      product: { links: { related: `${self}/product` }, data: { type: 'products', id: productA } },
      license: { links: { related: `${self}/license` }, data: { type: 'licenses', id: license.id } },
      machine: { links: { related: `${self}/machine` }, data: { type: 'machines', id: machineId } },
    });
    expect(data.links).toEqual({ self });
  });

  it('UNIQUE_PER_MACHINE (the default): taken on the same machine only', async () => {
    const license = await licenseWith();
    const first = await activate(license, 'pm-1', [{ fingerprint: 'nested', name: 'CPU' }]);
    const second = await activate(license, 'pm-2');
    await added(first, 'disk');
    expectUnprocessable(await add(first, 'disk'), taken());
    expectUnprocessable(await add(first, 'nested'), taken());
    expect((await add(second, 'disk')).status).toBe(201);
  });

  it('wider strategies: taken within their license, policy, product or account, free outside it', async () => {
    const cases = [
      ['UNIQUE_PER_LICENSE', ' for this license'],
      ['UNIQUE_PER_POLICY', ' for this policy'],
      ['UNIQUE_PER_PRODUCT', ' for this product'],
      ['UNIQUE_PER_ACCOUNT', ' for this account'],
    ] as const;
    for (const [componentUniquenessStrategy, suffix] of cases) {
      const fingerprint = `shared-${componentUniquenessStrategy}`;
      const policy = await createPolicy(t, productA, { floating: true, maxMachines: 10, componentUniquenessStrategy });
      const license = await createLicense(t, policy);
      await added(await activate(license, `${componentUniquenessStrategy}-1`), fingerprint);
      const sameLicense = await activate(license, `${componentUniquenessStrategy}-2`);
      expectUnprocessable(await add(sameLicense, fingerprint), taken(suffix));
      // One step outside the scope is free; the issuer has one account, so UNIQUE_PER_ACCOUNT has no outside.
      const outside =
        componentUniquenessStrategy === 'UNIQUE_PER_LICENSE'
          ? await createLicense(t, policy)
          : componentUniquenessStrategy === 'UNIQUE_PER_POLICY'
            ? await licenseWith({ componentUniquenessStrategy })
            : componentUniquenessStrategy === 'UNIQUE_PER_PRODUCT'
              ? await licenseWith({ componentUniquenessStrategy }, productB)
              : null;
      if (outside !== null) expect((await add(await activate(outside, `${componentUniquenessStrategy}-out`), fingerprint)).status).toBe(201);
      else expectUnprocessable(await add(await activate(await licenseWith({ componentUniquenessStrategy }, productB), 'account-out'), fingerprint), taken(suffix));
    }
  });

  it('reserved and blank fingerprints, blank names', async () => {
    const machineId = await activate(await licenseWith(), 'rules');
    expectUnprocessable(await add(machineId, 'actions'), { detail: 'is reserved', code: 'FINGERPRINT_NOT_ALLOWED', pointer: '/data/attributes/fingerprint' });
    expectUnprocessable(await add(machineId, '  '), { detail: "can't be blank", code: 'FINGERPRINT_MISSING', pointer: '/data/attributes/fingerprint' });
    expectUnprocessable(await add(machineId, 'named', asAdmin(), ' '), { detail: "can't be blank", code: 'NAME_MISSING', pointer: '/data/attributes/name' });
    expectBadRequest(await add(machineId, ''), 'cannot be blank', '/data/attributes/fingerprint');
    expectBadRequest(await add(machineId, 'x', asAdmin(), ''), 'cannot be blank', '/data/attributes/name');
  });

  it('bad documents are Keygen\'s 400s; an unknown machine is 422 for an admin, 403 for others', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'bad-docs');
    const post = (body: unknown): Promise<ApiResponse> => t.admin('POST', '/components', body);
    expectBadRequest(await post({ data: { type: 'components', relationships: { machine: { data: { type: 'machines', id: machineId } } } } }), 'is missing', '/data/attributes');
    expectBadRequest(await post(componentDoc(machineId, { name: 'x' })), 'is missing', '/data/attributes/fingerprint');
    expectBadRequest(await post({ data: { type: 'components', attributes: { fingerprint: 'x', name: 'x' }, relationships: {} } }), 'is missing', '/data/relationships/machine');
    expectBadRequest(await post(componentDoc(machineId, { fingerprint: 'x', name: 'x', serial: 'y' })), 'unpermitted parameter', '/data/attributes/serial');
    expectBadRequest(await post(componentDoc('bad-uuid', { fingerprint: 'x', name: 'x' })), 'type mismatch (received string expected UUID string)', '/data/relationships/machine/data/id');
    const withId = { data: { type: 'components', id: machineId, attributes: { fingerprint: 'x', name: 'x' }, relationships: { machine: { data: { type: 'machines', id: machineId } } } } };
    expectBadRequest(await post(withId), 'unpermitted parameter', '/data/id');
    const missing = '16896379-73ae-4d92-a458-6e7841c9ad08';
    expectUnprocessable(await add(missing, 'x'), { detail: 'must exist', code: 'MACHINE_NOT_FOUND', pointer: '/data/relationships/machine' });
    expect(firstError(await add(missing, 'x', asLicense(license)))).toEqual(ACCESS_DENIED);
    expect(firstError(await add(machineId, 'x', asLicense(await licenseWith())))).toEqual(ACCESS_DENIED);
    expect(firstError(await add(machineId, 'x', { token: tokenB }))).toEqual(ACCESS_DENIED);
  });
});

describe('reading, changing and removing components', () => {
  it('GET /components filters by machine, license, product and user, and pages', async () => {
    const user = (await t.admin('POST', '/users', doc('users', { email: 'parts@example.com' }))).json.data.id as string;
    const policy = await createPolicy(t, productA, { floating: true, maxMachines: 10 });
    const license = await createLicense(t, policy, {}, { owner: { type: 'users', id: user } });
    const first = await activate(license, 'list-1', [{ fingerprint: 'list-nested', name: 'CPU' }]);
    const second = await activate(license, 'list-2');
    const own = await added(second, 'list-own');
    const fingerprints = async (query: string): Promise<string[]> => {
      const response = await t.admin('GET', `/components?${query}`);
      expect(response.status, response.text).toBe(200);
      return response.json.data.map((component: { attributes: { fingerprint: string } }) => component.attributes.fingerprint);
    };
    expect(await fingerprints(`license=${license.id}`)).toEqual(['list-own', 'list-nested']);
    expect(await fingerprints(`machine=${first}`)).toEqual(['list-nested']);
    expect(await fingerprints('user=parts@example.com')).toEqual(['list-own', 'list-nested']);
    expect(await fingerprints(`user=${user}&machine=${second}`)).toEqual(['list-own']);
    expect(await fingerprints(`product=${productB}&license=${license.id}`)).toEqual([]);
    const paged = await t.admin('GET', `/components?license=${license.id}&page[number]=1&page[size]=1`);
    expect(paged.json.data[0].id).toBe(own);
    expect(paged.json.links.meta).toEqual({ pages: 2, count: 2 });
  });

  it('a license sees and changes only its own components; others get 404', async () => {
    const mine = await licenseWith();
    const theirs = await licenseWith();
    const myComponent = await added(await activate(mine, 'own-1'), 'mine');
    const theirComponent = await added(await activate(theirs, 'own-2'), 'theirs');
    const list = await t.request('GET', '/components', asLicense(mine));
    expect(list.json.data.map((component: { id: string }) => component.id)).toEqual([myComponent]);
    for (const [method, path] of [
      ['GET', `/components/${theirComponent}`],
      ['DELETE', `/components/${theirComponent}`],
      ['GET', `/components/${theirComponent}/license`],
    ] as const) {
      const response = await t.request(method, path, asLicense(mine));
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(firstError(response).detail).toBe(`The requested machine component '${theirComponent}' was not found`);
    }
    expect((await t.request('GET', `/components/${theirComponent}`, { token: tokenB })).status).toBe(404);
    expect((await t.request('GET', `/components/${myComponent}`, asLicense(mine))).status).toBe(200);
  });

  it('PATCH: anyone in scope renames; only admins and products change metadata', async () => {
    const license = await licenseWith();
    const id = await added(await activate(license, 'patch'), 'patched');
    const rename = await t.request('PATCH', `/components/${id}`, { ...asLicense(license), body: { data: { type: 'components', attributes: { name: 'RTX' } } } });
    expect(rename.status, rename.text).toBe(200);
    expect(rename.json.data.attributes).toMatchObject({ name: 'RTX', fingerprint: 'patched' });
    const body = { data: { type: 'components', id, attributes: { metadata: { slot_number: 2 } } } };
    expectBadRequest(await t.request('PATCH', `/components/${id}`, { ...asLicense(license), body }), 'unpermitted parameter', '/data/attributes/metadata');
    const byAdmin = await t.admin('PATCH', `/components/${id}`, body);
    expect(byAdmin.json.data.attributes).toMatchObject({ name: 'RTX', metadata: { slotNumber: 2 } });
    expectBadRequest(await t.admin('PATCH', `/components/${id}`, { data: { type: 'components', attributes: { fingerprint: 'x' } } }), 'unpermitted parameter', '/data/attributes/fingerprint');
    expectBadRequest(await t.admin('PATCH', `/components/${id}`, { data: { type: 'components', attributes: { name: '' } } }), 'cannot be blank', '/data/attributes/name');
  });

  it('DELETE: 204, then 404', async () => {
    const license = await licenseWith();
    const id = await added(await activate(license, 'delete'), 'doomed');
    expect((await t.request('DELETE', `/components/${id}`, asLicense(license))).status).toBe(204);
    expect((await t.request('DELETE', `/components/${id}`, asLicense(license))).status).toBe(404);
  });
});

describe('relationship routes', () => {
  it('the machine\'s advertised components link lists its components, nested ones included, and one of them', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'linked:fp', [{ fingerprint: 'linked-nested', name: 'CPU' }]);
    const other = await activate(license, 'linked-other');
    const id = await added(machineId, 'linked-added');
    const otherId = await added(other, 'other-added');
    const machine = await t.request('GET', `/machines/${machineId}`, asLicense(license));
    const related = machine.json.data.relationships.components.links.related as string;
    const listed = await t.request('GET', related, asLicense(license));
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.data.map((component: { attributes: { fingerprint: string } }) => component.attributes.fingerprint)).toEqual(['linked-added', 'linked-nested']);
    expect((await t.request('GET', '/machines/linked:fp/components', asLicense(license))).json.data).toHaveLength(2);
    expect((await t.request('GET', `/machines/${machineId}/components/${id}`, asLicense(license))).json.data.id).toBe(id);
    expect((await t.request('GET', `/machines/${machineId}/components/${otherId}`, asLicense(license))).status).toBe(404);
    expect((await t.request('GET', `/machines/${machineId}/components`, asLicense(await licenseWith()))).status).toBe(404);
  });

  it('a component\'s machine, license and product; a license holds no product.read (403)', async () => {
    const license = await licenseWith();
    const machineId = await activate(license, 'to-one');
    const component = (await add(machineId, 'to-one-gpu', asLicense(license))).json.data;
    const follow = (name: string, as: RequestOptions): Promise<ApiResponse> => t.request('GET', component.relationships[name].links.related, as);
    expect((await follow('machine', asLicense(license))).json.data).toMatchObject({ type: 'machines', id: machineId });
    expect((await follow('license', asLicense(license))).json.data).toMatchObject({ type: 'licenses', id: license.id });
    expect(firstError(await follow('product', asLicense(license)))).toEqual(ACCESS_DENIED);
    expect((await follow('product', asAdmin())).json.data).toMatchObject({ type: 'products', id: productA });
  });
});

describe('validation with meta.scope.components', () => {
  async function code(license: LicenseObject, scope: Record<string, unknown>): Promise<string> {
    const response = await t.request('POST', '/licenses/actions/validate-key', { body: { meta: { key: license.attributes.key, scope } } });
    expect(response.status, response.text).toBe(200);
    return response.json.meta.code;
  }

  it('each componentMatchingStrategy over components added through the API', async () => {
    const expected = {
      MATCH_ANY: ['VALID', 'VALID', 'COMPONENTS_SCOPE_MISMATCH'],
      MATCH_TWO: ['VALID', 'COMPONENTS_SCOPE_MISMATCH', 'COMPONENTS_SCOPE_MISMATCH'],
      MATCH_MOST: ['VALID', 'VALID', 'COMPONENTS_SCOPE_MISMATCH'],
      MATCH_ALL: ['COMPONENTS_SCOPE_MISMATCH', 'COMPONENTS_SCOPE_MISMATCH', 'COMPONENTS_SCOPE_MISMATCH'],
    } as const;
    for (const [componentMatchingStrategy, codes] of Object.entries(expected)) {
      const license = await licenseWith({ componentMatchingStrategy });
      const machineId = await activate(license, `match-${componentMatchingStrategy}`);
      for (const fingerprint of ['a', 'b', 'c']) await added(machineId, `${componentMatchingStrategy}-${fingerprint}`, asLicense(license));
      const scoped = (parts: string[]) => ({ fingerprint: `match-${componentMatchingStrategy}`, components: parts.map((part) => `${componentMatchingStrategy}-${part}`) });
      const got = [await code(license, scoped(['a', 'b', 'x', 'y'])), await code(license, scoped(['a', 'x'])), await code(license, scoped(['x', 'y']))];
      expect(got, componentMatchingStrategy).toEqual(codes);
    }
  });

  it('REQUIRED, EMPTY, a fingerprint to match against, and MISMATCH once the component is removed', async () => {
    const license = await licenseWith({ requireComponentsScope: true });
    const machineId = await activate(license, 'scoped');
    const id = await added(machineId, 'scoped-gpu', asLicense(license));
    expect(await code(license, { fingerprint: 'scoped' })).toBe('COMPONENTS_SCOPE_REQUIRED');
    expect(await code(license, { fingerprint: 'scoped', components: [] })).toBe('COMPONENTS_SCOPE_EMPTY');
    expect(await code(license, { components: ['scoped-gpu'] })).toBe('FINGERPRINT_SCOPE_REQUIRED');
    expect(await code(license, { fingerprint: 'scoped', components: ['scoped-gpu'] })).toBe('VALID');
    expect((await t.request('DELETE', `/components/${id}`, asLicense(license))).status).toBe(204);
    expect(await code(license, { fingerprint: 'scoped', components: ['scoped-gpu'] })).toBe('COMPONENTS_SCOPE_MISMATCH');
  });
});
