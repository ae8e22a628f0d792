import { bisect, lowerPageLimit } from '../src/split/plan.js'
console.log(bisect('date', { lo: 20464, hi: 20465 }), lowerPageLimit(55), lowerPageLimit(27), lowerPageLimit(13), lowerPageLimit(10))
