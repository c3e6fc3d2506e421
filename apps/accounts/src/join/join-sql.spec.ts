import { createHash } from 'node:crypto';
import { ACCOUNT_JOIN_V1, ACCOUNT_JOIN_V2 } from './account-join.function';
import { CUSTOMER_FACTS_V1 } from './customer-facts.function';
import { OPEN_ACCOUNT_V1, OPEN_ACCOUNT_V2, OPEN_ACCOUNT_V3, OPEN_ACCOUNT_V4 } from './open-account.function';
import { OPEN_ACCOUNTS_V1, OPEN_ACCOUNTS_V2, OPEN_ACCOUNTS_V3, OPEN_ACCOUNTS_V4 } from './open-accounts.function';

/**
 * A migration that has run must keep producing exactly the same schema, in every database
 * it has yet to run in: the text of each function version is the text its migration ran
 * when the version was written (SHA-256 of the constant as the migration file held it,
 * before the texts moved here). A version whose text changes is a new version and a new
 * migration, never an edit.
 */
const AS_RUN: Record<string, [string, string]> = {
  ACCOUNT_JOIN_V1: [ACCOUNT_JOIN_V1, '03a01e9f56a676216859c8b33de0b62b15d10f74a6aaeaa808a313c8b84252b2'],
  ACCOUNT_JOIN_V2: [ACCOUNT_JOIN_V2, 'b63066acf0f0990c85b50aabeb3dfe6dabd547f46bfe6ef2118f66ab909fbf58'],
  OPEN_ACCOUNT_V1: [OPEN_ACCOUNT_V1, '9f5a6fb209d099e38fdd71d4d78418d407bd4730da2185306396c6861d40ab77'],
  OPEN_ACCOUNT_V2: [OPEN_ACCOUNT_V2, '744b7fd5cbf18d09c34ea0d78908e249e00c046914fefac514a9b87abf1e28e7'],
  CUSTOMER_FACTS_V1: [CUSTOMER_FACTS_V1, '31875a6c074a112a3d94ec2576291567ad5c892b4a3b5d9557cc1f077e3740e8'],
  OPEN_ACCOUNTS_V1: [OPEN_ACCOUNTS_V1, '76cedd1a18c4d1bb48646ae95587371b732ebc9f177051b50c3fd99694fa2c83'],
  OPEN_ACCOUNTS_V2: [OPEN_ACCOUNTS_V2, '7f1876c0dad6292aa04b7c4c28537ad50d993eb458d9b59648e9a2a20379614f'],
  OPEN_ACCOUNTS_V3: [OPEN_ACCOUNTS_V3, '763bd7718207f778a8fe6a7e663f90054548f8384f376b8d69762f7824f0e775'],
  OPEN_ACCOUNT_V3: [OPEN_ACCOUNT_V3, 'e0ad1e9c811e978f5253700bda29d7dce620f0377faaae71114e035b6dda6072'],
  OPEN_ACCOUNT_V4: [OPEN_ACCOUNT_V4, '4a9604971920b2c37f970e6bfc64bdffdd13cd6ab3bb9228607ff6ae41ad8180'],
  OPEN_ACCOUNTS_V4: [OPEN_ACCOUNTS_V4, '1a1d3a05b05cb3dbaa29028d01a1adf71faa62862bd0512544a30071cfad20ef'],
};

describe('the join functions as their migrations ran them', () => {
  it.each(Object.entries(AS_RUN))('%s is the text its migration ran', (_name, [text, sha256]) => {
    expect(createHash('sha256').update(text).digest('hex')).toBe(sha256);
  });
});
