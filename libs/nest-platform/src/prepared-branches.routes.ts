import { Get, HttpCode, Param, Post } from '@nestjs/common';
import { gidParam } from './gid-param';
import type { PreparedBranches } from './prepared-branches';

/**
 * The routes every two-phase commit participant serves the same way: finish a branch
 * (commit or roll back) and list the branches in doubt. A service's participant
 * controller extends this and adds its own prepare route.
 */
export abstract class PreparedBranchesRoutes {
  protected abstract readonly branches: PreparedBranches;

  @Post(':gid/commit')
  @HttpCode(200)
  async commit(@Param('gid', gidParam) gid: string): Promise<{ finished: boolean }> {
    return { finished: await this.branches.commit(gid) };
  }

  @Post(':gid/abort')
  @HttpCode(200)
  async abort(@Param('gid', gidParam) gid: string): Promise<{ finished: boolean }> {
    return { finished: await this.branches.abort(gid) };
  }

  @Get()
  async prepared(): Promise<{ prepared: string[] }> {
    return { prepared: await this.branches.prepared() };
  }
}
