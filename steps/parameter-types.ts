import { defineParameterType } from '@cucumber/cucumber';
import { ACTOR_NAMES, type ActorName } from '../support/actors.js';

/** {actor}: one of the lab's principals, quoted as the lab writes them ("administrator", "student", "auditor"). */
defineParameterType({
  name: 'actor',
  regexp: new RegExp(`"(${ACTOR_NAMES.join('|')})"`),
  transformer: (name: string): ActorName => name as ActorName,
});
