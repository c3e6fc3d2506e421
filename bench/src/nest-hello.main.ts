import 'reflect-metadata';
import { request, Agent } from 'node:http';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * A Nest + Fastify hello world, one floor under a service's resident set
 * (rss-floor.probe.ts): the framework the services are built on, with none of their
 * modules (no database, NATS, logging, metrics, Swagger or validation). It answers 200
 * of its own requests over one keep-alive socket, then prints "hello ready" and idles.
 */
@Controller()
class HelloController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(HelloModule, new FastifyAdapter(), { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  const agent = new Agent({ keepAlive: true });
  for (let i = 0; i < 200; i++) {
    await new Promise<void>((resolve, reject) =>
      request({ port, host: '127.0.0.1', path: '/', agent }, (res) => res.resume().on('end', resolve))
        .on('error', reject)
        .end(),
    );
  }
  process.stdout.write('hello ready\n');
}

void main();
